"""The site: one build from records to a published output folder."""
