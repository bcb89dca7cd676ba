"""sanxing: the platform of a People's Congress Standing Committee office (三型機關)."""

__version__ = "0.1.0"
