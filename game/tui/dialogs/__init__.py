"""Small modal dialogs: confirm (yes/no), error, and the reload-failed choice."""
