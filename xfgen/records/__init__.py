"""Records in: reading, declaring and validating case files and the configuration."""
