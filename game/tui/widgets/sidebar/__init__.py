"""The game screen's sidebar: the trust meters and the region map."""
