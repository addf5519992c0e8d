"""`python -m newsindex` runs the command line interface."""

from newsindex.cli import main

main()
