"""Summit: sit at the table of the 2017-2025 Korean nuclear diplomacy."""

__version__ = "0.1.0"
