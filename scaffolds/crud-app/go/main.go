// A blog posts API, kept in memory. Read README.md for the task, then run `learn check`.
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Post is a blog post as the API answers it. The `json:"..."` tags give the
// JSON keys: a Go field must start with a capital letter to be encoded at all.
type Post struct {
	ID        int      `json:"id"`
	Title     string   `json:"title"`
	Content   string   `json:"content"`
	Category  string   `json:"category"`
	Tags      []string `json:"tags"`
	CreatedAt string   `json:"createdAt"`
	UpdatedAt string   `json:"updatedAt"`
}

// postInput is the body of a POST or PUT, as json.Unmarshal fills it in.
//
//   - A pointer (or a slice) stays nil when its key is missing from the body,
//     and when its value is null: nil means "not given". Each tag is a
//     pointer too, so that a null inside the list shows as nil.
//   - A value of the wrong type (a number for title, "x" for tags, [1, 2] as
//     the whole body) makes Unmarshal fail with a *json.UnmarshalTypeError
//     whose Field names the key ("title"), or is "" for the body itself.
//   - Text that is not JSON at all fails with a *json.SyntaxError.
type postInput struct {
	Title    *string   `json:"title"`
	Content  *string   `json:"content"`
	Category *string   `json:"category"`
	Tags     []*string `json:"tags"`
}

// All posts live here while the server runs, keyed by id. The server answers
// requests on many goroutines at once: lock mu while you read or change posts
// (mu.Lock(), then defer mu.Unlock()).
var (
	mu    sync.Mutex
	posts = map[int]Post{}
)

// now is the current UTC time as a string, like 2026-01-31T12:00:00.123Z.
func now() string {
	return time.Now().UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8000"
	}

	// "/posts" matches that path only; "/posts/" matches everything under it
	// (/posts/12, but also /posts/abc); "/" matches what nothing else did.
	mux := http.NewServeMux()
	mux.HandleFunc("/posts", postsRoute)
	mux.HandleFunc("/posts/", postRoute)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		sendError(w, http.StatusNotFound, "not found")
	})

	address := "127.0.0.1:" + port
	log.Printf("Listening on http://%s", address)
	log.Fatal(http.ListenAndServe(address, mux))
}

// postsRoute serves /posts: the method picks the handler.
func postsRoute(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		listPosts(w, r)
	case http.MethodPost:
		createPost(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		sendError(w, http.StatusMethodNotAllowed, "method not allowed")
	}
}

// postRoute serves /posts/{id}: the id is what follows /posts/, and only a
// whole number is an id (/posts/abc and /posts/12/more are no post's address).
func postRoute(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/posts/"))
	if err != nil {
		sendError(w, http.StatusNotFound, "not found")
		return
	}
	switch r.Method {
	case http.MethodGet:
		getPost(w, r, id)
	case http.MethodPut:
		updatePost(w, r, id)
	case http.MethodDelete:
		deletePost(w, r, id)
	default:
		w.Header().Set("Allow", "GET, PUT, DELETE")
		sendError(w, http.StatusMethodNotAllowed, "method not allowed")
	}
}

func createPost(w http.ResponseWriter, r *http.Request) {
	// TODO: read the JSON body into a postInput (json.NewDecoder(r.Body).Decode),
	// check every field, give the post an id and timestamps, store it, and
	// answer 201 with a Location header (set headers before sendJSON writes
	// the status).
	sendError(w, http.StatusNotImplemented, "not implemented yet")
}

func listPosts(w http.ResponseWriter, r *http.Request) {
	// TODO: answer every stored post, or only those matching ?term=
	// (r.URL.Query().Get("term")).
	sendJSON(w, http.StatusOK, []Post{})
}

func getPost(w http.ResponseWriter, r *http.Request, id int) {
	// TODO: answer the post with this id, or 404 with a JSON error.
	sendError(w, http.StatusNotImplemented, "not implemented yet")
}

func updatePost(w http.ResponseWriter, r *http.Request, id int) {
	// TODO: check the body like in createPost, replace the fields, refresh
	// UpdatedAt. A Post taken out of the map is a copy: put it back.
	sendError(w, http.StatusNotImplemented, "not implemented yet")
}

func deletePost(w http.ResponseWriter, r *http.Request, id int) {
	// TODO: remove the post (see delete) and answer 204 with an empty body
	// (w.WriteHeader(http.StatusNoContent), and nothing written).
	sendError(w, http.StatusNotImplemented, "not implemented yet")
}

// sendError answers an error. TODO: it answers plain text, as net/http's own
// http.Error and http.NotFound do. Make every error JSON: {"error": message}.
func sendError(w http.ResponseWriter, status int, message string) {
	http.Error(w, message, status)
}

// sendJSON answers value as JSON, with its status. Set any other header (like
// Location) before you call it: once the status is written, headers are sent.
func sendJSON(w http.ResponseWriter, status int, value any) {
	body, err := json.Marshal(value)
	if err != nil {
		log.Printf("cannot answer %#v as JSON: %v", value, err)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}
