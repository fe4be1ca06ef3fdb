import os

from flask import Flask, jsonify, request

app = Flask(__name__)

GREETING = "Hello, world!"


@app.get("/")
def index():
    return "Hello from my first server!"


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.get("/echo")
def echo_query():
    # Flask has already decoded the query string: %20 is a space again.
    return jsonify(msg=request.args.get("msg"))


@app.post("/echo")
def echo_body():
    return jsonify(request.get_json())


@app.get("/headers")
def headers():
    return jsonify(userAgent=request.headers.get("User-Agent"))


@app.get("/greeting")
def greeting():
    # values() gives the types the client named, like ["application/json",
    # "text/plain", "*/*"]: JSON only when application/json is one of them,
    # not when */* ("anything") merely lets it through.
    if "application/json" in request.accept_mimetypes.values():
        return jsonify(greeting=GREETING)
    return GREETING, {"Content-Type": "text/plain; charset=utf-8"}


@app.errorhandler(404)
def not_found(error):
    return jsonify(error="not found"), 404


# Flask answers 405 with an Allow header by itself: each route above
# accepts only the method it was declared with.

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
