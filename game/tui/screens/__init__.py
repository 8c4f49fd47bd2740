"""The app's screens: title, game, journal, saves, glossary, ending, help and about."""
