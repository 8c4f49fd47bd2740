"""The journal's parts: the per-faction trust history and the list of choices taken."""
