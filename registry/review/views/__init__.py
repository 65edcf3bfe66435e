"""The regulator console's pages, a module per journey."""
