package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"
)

func main() {
	// learn check tells the server which port to use in the PORT variable.
	port := os.Getenv("PORT")
	if port == "" {
		port = "8000"
	}

	// The mux picks a handler by the path, then each handler looks at the
	// method. A pattern without a trailing slash, like "/health", matches
	// that path only; "/" matches every path nothing else matched.
	mux := http.NewServeMux()
	mux.HandleFunc("/", index)
	mux.HandleFunc("/health", health)
	mux.HandleFunc("/echo", echo)
	mux.HandleFunc("/headers", headers)
	mux.HandleFunc("/greeting", greeting)

	address := "127.0.0.1:" + port
	log.Printf("Listening on http://%s", address)
	log.Fatal(http.ListenAndServe(address, mux))
}

// This endpoint already works: open http://127.0.0.1:8000/ after starting the server.
func index(w http.ResponseWriter, r *http.Request) {
	// "/" sees every path that no other pattern matched: only "/" itself is ours.
	if r.URL.Path != "/" {
		notFound(w)
		return
	}
	switch r.Method {
	case http.MethodGet:
		sendText(w, http.StatusOK, "Hello from my first server!")
	default:
		methodNotAllowed(w, "GET")
	}
}

func health(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		// TODO: answer exactly {"status": "ok"} as JSON (sendJSON with a map does that).
		sendText(w, http.StatusNotImplemented, "Not implemented yet")
	default:
		methodNotAllowed(w, "GET")
	}
}

func echo(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		// TODO: answer {"msg": ...} with the msg query parameter. r.URL.Query()
		// splits the query string and decodes each value for you (+ and %20
		// become spaces, %C3%A9 becomes é): see its Get method.
		sendText(w, http.StatusNotImplemented, "Not implemented yet")
	case http.MethodPost:
		// TODO: answer the JSON body you received, unchanged. Decode r.Body into
		// a variable of type any (json.NewDecoder(r.Body).Decode(&body)): objects
		// become map[string]any, arrays []any. When Decode returns an error, the
		// body is not valid JSON: answer 400.
		sendText(w, http.StatusNotImplemented, "Not implemented yet")
	default:
		methodNotAllowed(w, "GET, POST")
	}
}

func headers(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		// TODO: answer {"userAgent": ...} with the User-Agent header (see r.Header.Get).
		sendText(w, http.StatusNotImplemented, "Not implemented yet")
	default:
		methodNotAllowed(w, "GET")
	}
}

func greeting(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		// TODO: look at the Accept header (r.Header.Get("Accept")). It lists
		// types, each maybe with a weight, like "text/plain;q=0.5, application/json"
		// (see strings.Split, strings.Cut and strings.TrimSpace): answer
		// {"greeting": "Hello, world!"} as JSON when application/json is one of
		// the types, and the text Hello, world! as text/plain otherwise.
		sendText(w, http.StatusNotImplemented, "Not implemented yet")
	default:
		methodNotAllowed(w, "GET")
	}
}

// Ready-made helpers below: you do not need to change them.

// notFound answers a path this server does not know: 404.
func notFound(w http.ResponseWriter) {
	sendJSON(w, http.StatusNotFound, map[string]string{"error": "not found"})
}

// methodNotAllowed answers a known path called with a method it does not
// support (like DELETE /health): 405, with an Allow header that lists the
// methods the path does support. Every handler above calls it from the
// default case of its switch on r.Method.
func methodNotAllowed(w http.ResponseWriter, allowed string) {
	w.Header().Set("Allow", allowed)
	sendText(w, http.StatusMethodNotAllowed, "Method Not Allowed")
}

// sendJSON answers value as JSON: a map[string]string, a map[string]any, a
// struct, a slice, or what json.Decoder gave you.
func sendJSON(w http.ResponseWriter, status int, value any) {
	body, err := json.Marshal(value)
	if err != nil {
		log.Printf("cannot answer %#v as JSON: %v", value, err)
		sendText(w, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	send(w, status, "application/json", body)
}

func sendText(w http.ResponseWriter, status int, text string) {
	send(w, status, "text/plain; charset=utf-8", []byte(text))
}

// send writes the headers first, then the status line, then the body: once
// WriteHeader (or the first Write) has run, the headers are on their way and
// changing them does nothing.
func send(w http.ResponseWriter, status int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	w.Write(body)
}
