"""Reference and demo data, and the loader that puts them in a database."""
