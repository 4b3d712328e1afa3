"""Counsellor accounts from the command line (make counsellor NAME=kari).

python -m bot.ops.counsellors add kari [--admin] [--password-stdin] | password | disable | enable | list
"""

from __future__ import annotations

import argparse
import getpass
import sys

from bot.settings import get_settings
from bot.storage.counsellors import AccountError, from_settings


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (at least 12 characters): ")
    if first != getpass.getpass("Again: "):
        raise AccountError("the two passwords differ")
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Manage counsellor accounts (python -m bot.ops.counsellors).")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="create an account")
    add.add_argument("username")
    add.add_argument("--admin", action="store_true", help="may also read the audit log")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    password = commands.add_parser("password", help="set a new password (signs the account out everywhere)")
    password.add_argument("username")
    password.add_argument("--password-stdin", action="store_true")
    for name in ("disable", "enable"):
        commands.add_parser(name, help=f"{name} an account").add_argument("username")
    commands.add_parser("list", help="list the accounts")
    args = parser.parse_args(argv)

    from bot.storage.migrate import upgrade

    upgrade(get_settings().database_url)
    accounts = from_settings()
    try:
        if args.command == "add":
            accounts.add(args.username, _read_password(args.password_stdin), is_admin=args.admin)
            print(f"account {args.username.lower()} created{' (admin)' if args.admin else ''}")
        elif args.command == "password":
            accounts.set_password(args.username, _read_password(args.password_stdin))
            print("password changed")
        elif args.command in ("disable", "enable"):
            accounts.set_active(args.username, args.command == "enable")
            print(f"account {args.username.lower()} {args.command}d")
        else:
            for account in accounts.accounts():
                flags = [f for f, on in (("admin", account.is_admin), ("disabled", not account.active)) if on]
                print(account.username + (f" ({', '.join(flags)})" if flags else ""))
    except AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
