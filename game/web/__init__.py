"""Play in a browser (``qasas serve``): an aiohttp server around textual-serve's game processes.

``server`` (the HTTP side, the checks), ``games`` (the game processes and the places for them), ``access`` (the
token, loopback, player ids), ``pages`` (the HTML). None of these import Textual; ``player`` is the game process
itself, the only module here that does, and it runs only in the processes the server starts.
"""
