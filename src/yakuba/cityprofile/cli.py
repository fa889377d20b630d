"""`yakuba config check [PROFILE]`: read and check a city profile. No Django.

Prints ``OK`` with a summary of the profile (exit 0), or one located line per problem on stderr,
``yakuba config: FILE: row N, field F: what`` (exit 1). Without PROFILE: the profile in use
(``YAKUBA_CITY_PROFILE``, default the demo city's).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from yakuba.commandline import EXIT_FAIL, EXIT_OK, guarded

PROG = "yakuba config"


@guarded(PROG)
def cmd_check(args: argparse.Namespace) -> int:
    from yakuba.cityprofile.load import ProfileInvalid, load_profile
    from yakuba.cityprofile.where import profile_dir

    folder = Path(args.profile).expanduser().resolve() if args.profile else profile_dir()
    try:
        profile = load_profile(folder)
    except ProfileInvalid as exc:  # every problem, one line each (not only the first)
        for problem in exc.problems:
            print(f"{PROG}: {problem.one_line()}", file=sys.stderr)
        print(f"{PROG}: {folder}: {len(exc.problems)} 件の問題があります (problems found)", file=sys.stderr)
        return EXIT_FAIL
    print(f"OK: {folder}")
    print(f"  {profile.summary()}")
    return EXIT_OK


def add_parser(sub, add) -> None:  # type: ignore[no-untyped-def]
    config = add("config", "the city profile (市の設定): check it", lambda a: 2)
    config_sub = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    p = add("check", "read and check a city profile; name file, row and field of every problem", cmd_check,
            config_sub)
    p.add_argument("profile", nargs="?", help="the profile folder (default: YAKUBA_CITY_PROFILE, else the demo city's)")
