#!/usr/bin/env python3
"""Send the requests of a `learn check --format json` report to a running server, one
connection each, as fast as Python's http.client can: the floor of the traffic alone,
without starting the server or checking anything. usage: replay.py REPORT.json PORT"""
import http.client, json, sys

report, port = json.load(open(sys.argv[1])), int(sys.argv[2])
for check in report["checks"]:
    for step in check["steps"]:
        if step.get("kind") != "request" or not step.get("response"):
            continue
        request = step["request"]
        connection = http.client.HTTPConnection("127.0.0.1", port)
        body = request.get("body")
        connection.request(
            request["method"], request["target"],
            body=body.encode() if body is not None else None,
            headers=dict(request["headers"]),
        )
        connection.getresponse().read()
        connection.close()
