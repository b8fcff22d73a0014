"""Reports out: pages, ledgers, charts and PDFs made from the figures."""
