// A blog posts API, kept in a database: SQLite or PostgreSQL (see db.go).
package main

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// schema is the posts table. IF NOT EXISTS: a restarted server finds the
// table, and its posts, still there.
func schema() string {
	return `CREATE TABLE IF NOT EXISTS posts (
    id ` + db.AutoID + `,
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    category TEXT NOT NULL,
    tags TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
)`
}

// postColumns are the columns of a post, in the order scanPost reads them.
const postColumns = "id, title, content, category, tags, created_at, updated_at"

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

// postFields are the four fields a client sets, checked; tags already as the
// JSON text the table stores.
type postFields struct {
	Title, Content, Category, Tags string
}

// now is the current UTC time as a string, like 2026-01-31T12:00:00.123Z.
func now() string {
	return time.Now().UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

func main() {
	if _, err := db.Exec(schema()); err != nil {
		log.Fatalf("cannot create the posts table: %v", err)
	}

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

// postRoute serves /posts/{id}: the id is what follows /posts/. Only a whole
// number that fits the id column (PostgreSQL's SERIAL stops at 2147483647) is
// an id: /posts/abc, /posts/99999999999 and /posts/12/more are no post's, and
// never reach a query.
func postRoute(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(strings.TrimPrefix(r.URL.Path, "/posts/"), 10, 32)
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

// readPost reads and checks the fields of a post from the JSON body. The
// error, when there is one, is the message for the client.
func readPost(r *http.Request) (postFields, error) {
	var in postInput
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			field, _, _ := strings.Cut(typeErr.Field, ".")
			if field == "tags" {
				return postFields{}, errors.New("tags must be an array of strings")
			}
			return postFields{}, fmt.Errorf("%s must be a string", field)
		}
		return postFields{}, errors.New("the body is not valid JSON, or not a JSON object")
	}
	required := []struct {
		name  string
		value *string
	}{{"title", in.Title}, {"content", in.Content}, {"category", in.Category}}
	for _, field := range required {
		if field.value == nil {
			return postFields{}, fmt.Errorf("%s is required", field.name)
		}
	}
	if in.Tags == nil {
		return postFields{}, errors.New("tags is required")
	}
	tags := make([]string, 0, len(in.Tags))
	for _, tag := range in.Tags {
		if tag == nil {
			return postFields{}, errors.New("tags must be an array of strings")
		}
		tags = append(tags, *tag)
	}
	tagsJSON, err := json.Marshal(tags) // stored as JSON text: ["a","b"]
	if err != nil {
		return postFields{}, err
	}
	return postFields{Title: *in.Title, Content: *in.Content, Category: *in.Category, Tags: string(tagsJSON)}, nil
}

// scanPost reads a row of postColumns into a post as the API shows it.
func scanPost(row interface{ Scan(...any) error }) (Post, error) {
	var post Post
	var tags string
	err := row.Scan(&post.ID, &post.Title, &post.Content, &post.Category, &tags, &post.CreatedAt, &post.UpdatedAt)
	if err != nil {
		return post, err
	}
	err = json.Unmarshal([]byte(tags), &post.Tags)
	return post, err
}

func createPost(w http.ResponseWriter, r *http.Request) {
	fields, err := readPost(r)
	if err != nil {
		sendError(w, http.StatusBadRequest, err.Error())
		return
	}
	stamp := now()
	post, err := scanPost(db.QueryRow(
		"INSERT INTO posts (title, content, category, tags, created_at, updated_at)"+
			" VALUES (?, ?, ?, ?, ?, ?) RETURNING "+postColumns,
		fields.Title, fields.Content, fields.Category, fields.Tags, stamp, stamp,
	))
	if err != nil {
		serverError(w, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/posts/%d", post.ID))
	sendJSON(w, http.StatusCreated, post)
}

func listPosts(w http.ResponseWriter, r *http.Request) {
	pattern := "%" + strings.ToLower(r.URL.Query().Get("term")) + "%" // no term: %% matches every post
	rows, err := db.Query(
		"SELECT "+postColumns+" FROM posts"+
			" WHERE LOWER(title) LIKE ? OR LOWER(content) LIKE ? OR LOWER(category) LIKE ?"+
			" ORDER BY id",
		pattern, pattern, pattern,
	)
	if err != nil {
		serverError(w, err)
		return
	}
	defer rows.Close()
	posts := []Post{} // not a nil slice: that would be null in JSON, not []
	for rows.Next() {
		post, err := scanPost(rows)
		if err != nil {
			serverError(w, err)
			return
		}
		posts = append(posts, post)
	}
	if err := rows.Err(); err != nil {
		serverError(w, err)
		return
	}
	sendJSON(w, http.StatusOK, posts)
}

func getPost(w http.ResponseWriter, r *http.Request, id int64) {
	post, err := scanPost(db.QueryRow("SELECT "+postColumns+" FROM posts WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		sendError(w, http.StatusNotFound, fmt.Sprintf("post %d not found", id))
		return
	}
	if err != nil {
		serverError(w, err)
		return
	}
	sendJSON(w, http.StatusOK, post)
}

func updatePost(w http.ResponseWriter, r *http.Request, id int64) {
	fields, err := readPost(r)
	if err != nil {
		sendError(w, http.StatusBadRequest, err.Error())
		return
	}
	post, err := scanPost(db.QueryRow(
		"UPDATE posts SET title = ?, content = ?, category = ?, tags = ?, updated_at = ?"+
			" WHERE id = ? RETURNING "+postColumns,
		fields.Title, fields.Content, fields.Category, fields.Tags, now(), id,
	))
	if errors.Is(err, sql.ErrNoRows) {
		sendError(w, http.StatusNotFound, fmt.Sprintf("post %d not found", id))
		return
	}
	if err != nil {
		serverError(w, err)
		return
	}
	sendJSON(w, http.StatusOK, post)
}

func deletePost(w http.ResponseWriter, r *http.Request, id int64) {
	result, err := db.Exec("DELETE FROM posts WHERE id = ?", id)
	if err != nil {
		serverError(w, err)
		return
	}
	if deleted, err := result.RowsAffected(); err != nil || deleted == 0 {
		sendError(w, http.StatusNotFound, fmt.Sprintf("post %d not found", id))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// serverError answers 500 for a failure of the server's own (the database's),
// and logs it: the client did nothing wrong.
func serverError(w http.ResponseWriter, err error) {
	log.Printf("error: %v", err)
	sendError(w, http.StatusInternalServerError, "internal server error")
}

// sendError answers an error as JSON: {"error": message}.
func sendError(w http.ResponseWriter, status int, message string) {
	sendJSON(w, status, map[string]string{"error": message})
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
