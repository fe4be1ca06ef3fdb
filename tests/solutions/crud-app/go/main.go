// A blog posts API, kept in memory.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"sort"
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

// postFields are the four fields a client sets, checked.
type postFields struct {
	Title, Content, Category string
	Tags                     []string
}

var (
	mu     sync.Mutex
	posts  = map[int]Post{} // id -> post
	nextID = 1              // 1, 2, 3, ... never reused, even after a delete
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
	return postFields{Title: *in.Title, Content: *in.Content, Category: *in.Category, Tags: tags}, nil
}

func createPost(w http.ResponseWriter, r *http.Request) {
	fields, err := readPost(r)
	if err != nil {
		sendError(w, http.StatusBadRequest, err.Error())
		return
	}
	stamp := now()
	mu.Lock()
	post := Post{
		ID:        nextID,
		Title:     fields.Title,
		Content:   fields.Content,
		Category:  fields.Category,
		Tags:      fields.Tags,
		CreatedAt: stamp,
		UpdatedAt: stamp,
	}
	nextID++
	posts[post.ID] = post
	mu.Unlock()
	w.Header().Set("Location", fmt.Sprintf("/posts/%d", post.ID))
	sendJSON(w, http.StatusCreated, post)
}

func listPosts(w http.ResponseWriter, r *http.Request) {
	term := strings.ToLower(r.URL.Query().Get("term"))
	found := []Post{} // not a nil slice: that would be null in JSON, not []
	mu.Lock()
	for _, post := range posts {
		if matches(post, term) {
			found = append(found, post)
		}
	}
	mu.Unlock()
	// A map has no order: answer the posts by id, oldest first.
	sort.Slice(found, func(i, j int) bool { return found[i].ID < found[j].ID })
	sendJSON(w, http.StatusOK, found)
}

// matches tells whether term (in lower case) is in the post's title, content
// or category, ignoring case. Tags are not searched.
func matches(post Post, term string) bool {
	for _, field := range []string{post.Title, post.Content, post.Category} {
		if strings.Contains(strings.ToLower(field), term) {
			return true
		}
	}
	return false
}

func getPost(w http.ResponseWriter, r *http.Request, id int) {
	mu.Lock()
	post, ok := posts[id]
	mu.Unlock()
	if !ok {
		sendError(w, http.StatusNotFound, fmt.Sprintf("post %d not found", id))
		return
	}
	sendJSON(w, http.StatusOK, post)
}

func updatePost(w http.ResponseWriter, r *http.Request, id int) {
	fields, err := readPost(r)
	if err != nil {
		sendError(w, http.StatusBadRequest, err.Error())
		return
	}
	mu.Lock()
	post, ok := posts[id]
	if !ok {
		mu.Unlock()
		sendError(w, http.StatusNotFound, fmt.Sprintf("post %d not found", id))
		return
	}
	post.Title = fields.Title
	post.Content = fields.Content
	post.Category = fields.Category
	post.Tags = fields.Tags
	post.UpdatedAt = now()
	posts[id] = post // post is a copy of what the map holds: store it back
	mu.Unlock()
	sendJSON(w, http.StatusOK, post)
}

func deletePost(w http.ResponseWriter, r *http.Request, id int) {
	mu.Lock()
	_, ok := posts[id]
	delete(posts, id)
	mu.Unlock()
	if !ok {
		sendError(w, http.StatusNotFound, fmt.Sprintf("post %d not found", id))
		return
	}
	w.WriteHeader(http.StatusNoContent)
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
