"""The public register's pages, a module per journey: the label, search, open data."""
