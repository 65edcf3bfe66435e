"""The deadline reminders (being written)."""
