"""qawl command line."""
