"""AI-Prism Desktop: review Word documents against a checklist framework."""

__version__ = "0.1.0"
APP_NAME = "AI-Prism"
