package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"
	"strings"
)

const greetingText = "Hello, world!"

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
		sendJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	default:
		methodNotAllowed(w, "GET")
	}
}

func echo(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		// Query() has split the query string at & and = first, then decoded
		// each part: a %26 inside the value stays in the value.
		sendJSON(w, http.StatusOK, map[string]string{"msg": r.URL.Query().Get("msg")})
	case http.MethodPost:
		var body any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			sendJSON(w, http.StatusBadRequest, map[string]string{"error": "the body is not valid JSON: " + err.Error()})
			return
		}
		sendJSON(w, http.StatusOK, body)
	default:
		methodNotAllowed(w, "GET, POST")
	}
}

func headers(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		sendJSON(w, http.StatusOK, map[string]string{"userAgent": r.Header.Get("User-Agent")})
	default:
		methodNotAllowed(w, "GET")
	}
}

func greeting(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		if acceptsJSON(r.Header.Get("Accept")) {
			sendJSON(w, http.StatusOK, map[string]string{"greeting": greetingText})
		} else {
			sendText(w, http.StatusOK, greetingText)
		}
	default:
		methodNotAllowed(w, "GET")
	}
}

// acceptsJSON tells whether an Accept header names application/json among its
// types: "text/plain;q=0.5, application/json" does, "*/*" (anything) merely
// lets JSON through and does not.
func acceptsJSON(accept string) bool {
	for _, item := range strings.Split(accept, ",") {
		mediaType, _, _ := strings.Cut(item, ";")
		if strings.TrimSpace(mediaType) == "application/json" {
			return true
		}
	}
	return false
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
