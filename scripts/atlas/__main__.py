"""Command-line entry: `python -m atlas validate [datapackage.json]`, `python -m atlas site`, `python -m atlas fingerprint`, `python -m atlas serve`."""
import importlib
import sys

# Each command's module is imported only when it runs: `validate` and `fingerprint` need neither Altair nor the
# chart code, whose import was half of their 1.6 s start.
COMMANDS = {"validate": "validate", "site": "site", "fingerprint": "release", "serve": "preview"}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(f"usage: python -m atlas {{{'|'.join(COMMANDS)}}} [args]", file=sys.stderr)
        return 2
    return importlib.import_module(f"atlas.{COMMANDS[sys.argv[1]]}").main(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
