"""An agent whose code does not compile, as many of the legacy scripts did: an unmatched ')'.

Python reports it before running a line: `SyntaxError: unmatched ')'` at the line below.
"""
import os


def main():
    name = os.environ.get("AGENT_NAME", "agent")
    print(f"{name} starting"))


main()
