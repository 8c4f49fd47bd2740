"""The story pane: scenes as they are read, the transcript above them, and the choices."""
