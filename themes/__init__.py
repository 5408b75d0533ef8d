"""Colour themes as data: the built-in ``*.toml`` files here, user themes from the config dir.

``themes.loader`` turns a file into a ``textual.theme.Theme`` and collects every
problem (a bad colour, an unknown key) as a line to report, never an exception.
"""
