"""The bodies of `build.py COMMAND`; cli.py parses the command line and calls them.
"""
