"""TCX, the Transnational Crime Exchange."""

__version__ = "0.1.0"
