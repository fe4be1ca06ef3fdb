#!/usr/bin/env python3
"""The requests of a `learn check --format json` report as a Hurl file, each with the
status it got: the same traffic for Hurl to drive. usage: to_hurl.py REPORT.json"""
import json, sys

report = json.load(open(sys.argv[1]))
for check in report["checks"]:
    for step in check["steps"]:
        if step.get("kind") != "request" or not step.get("response"):
            continue
        request = step["request"]
        print(f"{request['method']} http://127.0.0.1:{{{{port}}}}{request['target']}")
        for name, value in request["headers"]:
            print(f"{name}: {value}")
        if request.get("body") is not None:
            print("```")
            print(request["body"])
            print("```")
        print(f"HTTP {step['response']['status']}")
        print()
