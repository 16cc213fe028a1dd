"""The command line: ``symnet derive|summary MODEL``.

MODEL is a built-in name (see ``symnet --help``) or ``path/to/file.py[:attribute]``.
"""

from __future__ import annotations

import argparse
import sys

from .layers import DeclarationError
from .zoo import MODELS, load_model


def _derive(args) -> None:
    derivation = load_model(args.model).derivation()
    print(derivation.latex() if args.latex else derivation)


def _summary(args) -> None:
    load_model(args.model).summary()


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="symnet",
        description="Derive, compile and train neural networks declared in Python.",
        epilog=f"MODEL is one of {', '.join(MODELS)} or path/to/file.py[:attribute].",
    )
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    derive = commands.add_parser("derive", help="print every local partial and the chain for every parameter")
    derive.add_argument("model", metavar="MODEL")
    derive.add_argument("--latex", action="store_true", help="print LaTeX instead of text")
    derive.set_defaults(run=_derive)
    summary = commands.add_parser("summary", help="print the layers, output shapes and parameter counts")
    summary.add_argument("model", metavar="MODEL")
    summary.set_defaults(run=_summary)
    return main


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = parser().parse_args(argv)
    try:
        args.run(args)
    except (DeclarationError, ValueError) as error:
        print(f"symnet: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
