// A blog posts API, kept in a database. Read README.md for the task, then run `learn check`.
//
// db.go is ready: db.QueryRow / db.Query / db.Exec run SQL on the database that
// DATABASE_URL names (SQLite or PostgreSQL), with ? for each value.
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// TODO: the posts table, with the columns README.md lists. Use db.AutoID for
// the id (the database numbers the rows itself): "id " + db.AutoID + ", ...".
// Keep IF NOT EXISTS: when the server restarts, the table (and its posts) is
// already there.
func schema() string {
	return "CREATE TABLE IF NOT EXISTS ..."
}

// Post is a blog post as the API answers it. The `json:"..."` tags give the
// JSON keys: a Go field must start with a capital letter to be encoded at all.
type Post struct {
	ID        int64    `json:"id"`
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

// now is the current UTC time as a string, like 2026-01-31T12:00:00.123Z.
func now() string {
	return time.Now().UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

func main() {
	// TODO: create the table here, before the server starts: db.Exec(schema()).
	// If it fails, stop with log.Fatal: the server cannot work without it.

	port := os.Getenv("PORT")
	if port == "" {
		port = "8000"
	}

	// "/posts" matches that path only; "/posts/" matches everything under it
	// (/posts/12, but also /posts/abc); "/" matches what nothing else did.
	mux := http.NewServeMux()
	mux.HandleFunc("/health", health)
	mux.HandleFunc("/posts", postsRoute)
	mux.HandleFunc("/posts/", postRoute)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		sendError(w, http.StatusNotFound, "not found")
	})

	address := "127.0.0.1:" + port
	log.Printf("Listening on http://%s", address)
	log.Fatal(http.ListenAndServe(address, mux))
}

func health(w http.ResponseWriter, r *http.Request) {
	sendJSON(w, http.StatusOK, map[string]string{"status": "ok"})
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
// TODO: a number too big for the id column is no post's id either (see
// "Errors" in README.md): ParseInt's last argument is the size in bits.
func postRoute(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(strings.TrimPrefix(r.URL.Path, "/posts/"), 10, 64)
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
	// TODO: check the body as in the crud-app (decode it into a postInput),
	// INSERT a row (tags as JSON text: json.Marshal(tags)), RETURNING its
	// columns to get the row with its new id (db.QueryRow(...).Scan(...)), and
	// answer the post with 201 and a Location header.
	sendError(w, http.StatusNotImplemented, "not implemented yet")
}

func listPosts(w http.ResponseWriter, r *http.Request) {
	// TODO: SELECT the rows (only those matching ?term=, r.URL.Query().Get("term"))
	// and answer them as posts: tags back as a list (json.Unmarshal), createdAt,
	// updatedAt.
	sendError(w, http.StatusNotImplemented, "not implemented yet")
}

func getPost(w http.ResponseWriter, r *http.Request, id int64) {
	// TODO: SELECT the row with this id and answer it as a post, or 404 with a
	// JSON error (Scan gives sql.ErrNoRows when there is no row).
	sendError(w, http.StatusNotImplemented, "not implemented yet")
}

func updatePost(w http.ResponseWriter, r *http.Request, id int64) {
	// TODO: check the body, UPDATE that row (and refresh updated_at), answer the post.
	sendError(w, http.StatusNotImplemented, "not implemented yet")
}

func deletePost(w http.ResponseWriter, r *http.Request, id int64) {
	// TODO: DELETE that row and answer 204 with an empty body (404 if there was none).
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
