"""Commands beyond check/stats/build: one module per command, each a library function the CLI calls."""
