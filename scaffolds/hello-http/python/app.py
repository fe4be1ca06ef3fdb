import os

from flask import Flask, jsonify, request

app = Flask(__name__)


# This route already works: open http://127.0.0.1:8000/ after starting the server.
@app.get("/")
def index():
    return "Hello from my first server!"


@app.get("/health")
def health():
    # TODO: answer exactly {"status": "ok"} as JSON (jsonify does that).
    return "Not implemented yet", 501


@app.get("/echo")
def echo_query():
    # TODO: answer {"msg": ...} with the msg query parameter (see request.args).
    return "Not implemented yet", 501


@app.post("/echo")
def echo_body():
    # TODO: answer the JSON body you received, unchanged (see request.get_json()).
    return "Not implemented yet", 501


@app.get("/headers")
def headers():
    # TODO: answer {"userAgent": ...} with the User-Agent header (see request.headers).
    return "Not implemented yet", 501


@app.get("/greeting")
def greeting():
    # TODO: look at the Accept header (see request.accept_mimetypes):
    # answer {"greeting": "Hello, world!"} as JSON when the client asks for
    # application/json, and the text Hello, world! as text/plain otherwise.
    return "Not implemented yet", 501


# Unknown paths answer 404, and a known path called with the wrong method
# answers 405 with an Allow header: Flask does both for you, as long as each
# route above is declared with its method (@app.get, @app.post).

if __name__ == "__main__":
    # learn check tells the server which port to use in the PORT variable.
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
