"""The ``serve`` and ``audit`` commands: the order-time CDS Hooks service (``extractor.service``).

The service's libraries are an optional extra; they are imported when a command runs, so the rest of the
command line works without them.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import logging
import sys

EXIT_USAGE = 2
INSTALL_HINT = 'the service needs its extra: pip install "mri-indication[service]"'


def _service_modules():
    try:
        from extractor.service import app, audit, config, store
    except ImportError as error:
        raise SystemExit(f"mri-indication: {INSTALL_HINT} ({error.name} is missing)") from None
    return app, audit, config, store


def iso_date(value: str) -> dt.date:
    """An argparse type: an ISO date (``2026-03-14``)."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an ISO date such as 2026-03-14, not {value!r}") from None


def cmd_serve(args: argparse.Namespace) -> int:
    app_module, _, config_module, _ = _service_modules()
    import uvicorn

    try:
        config = config_module.load_config(args.config)
        audience = config.endpoint(args.host, args.port)
        app = app_module.create_app(config, audience, insecure_dev=args.insecure_dev)
    except (config_module.ConfigError, ValueError) as error:
        print(f"mri-indication serve: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.insecure_dev:
        print("!" * 78 + f"\n!! {app_module.INSECURE_BANNER}\n" + "!" * 78, file=sys.stderr)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    print(f"serving {audience} (discovery: http://{args.host}:{args.port}/cds-services)", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, workers=1, log_config=None)
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    _, audit, config_module, store_module = _service_modules()
    try:
        config = config_module.load_config(args.config)
    except config_module.ConfigError as error:
        print(f"mri-indication audit: {error}", file=sys.stderr)
        return EXIT_USAGE
    store = store_module.Store(config.database_url)
    try:
        report = audit.summary(store, args.since)
    finally:
        store.close()
    if args.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["section", "key", "count"])
        writer.writerows(audit.rows(report))
    elif args.json:
        print(json.dumps(report, indent=2))
    else:
        print(audit.text(report))
    return 0


def add_service_commands(commands) -> None:
    """Register ``serve`` and ``audit`` on the command line's subparsers."""
    serve = commands.add_parser("serve", help="run the CDS Hooks service for lumbar MRI orders (needs the "
                                              "'service' extra)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080)")
    serve.add_argument("--config", help="TOML configuration: trusted clients, service_url, database_url, extra "
                                        "codes, body limit, time budget (see extractor/service/config.py)")
    serve.add_argument("--insecure-dev", action="store_true",
                       help="turn the JWT check OFF, for a local trial only (says so loudly at start-up)")
    serve.set_defaults(func=cmd_serve)

    audit = commands.add_parser("audit", help="summarise the service's ratings, overrides and override reasons")
    audit.add_argument("--since", type=iso_date, help="only consultations on or after this date (ISO, UTC)")
    output = audit.add_mutually_exclusive_group()
    output.add_argument("--csv", action="store_true", help="write section,key,count rows as CSV")
    output.add_argument("--json", action="store_true", help="write the summary as JSON")
    audit.add_argument("--config", help="the service's TOML configuration (for database_url)")
    audit.set_defaults(func=cmd_audit)
