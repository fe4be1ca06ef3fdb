// A blog posts API, kept in a database: SQLite or PostgreSQL (see Db.java).

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Server {
    // The largest id PostgreSQL's SERIAL holds. A bigger number is no post's id, and
    // PostgreSQL may answer it with an error instead of with no row: it never reaches a query.
    static final long MAX_ID = 2147483647L;

    // IF NOT EXISTS: a restarted server finds the table, and its posts, still there.
    static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS posts (
                id %s,
                title TEXT NOT NULL,
                content TEXT NOT NULL,
                category TEXT NOT NULL,
                tags TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """.formatted(Db.AUTO_ID);

    static final List<String> TEXT_FIELDS = List.of("title", "content", "category");

    /** The request body is not a valid post; the message says why. */
    static final class InvalidPost extends RuntimeException {
        InvalidPost(String message) {
            super(message);
        }
    }

    /** An error answer, thrown from anywhere in a handler: handle() sends it. */
    static final class HttpError extends RuntimeException {
        final int status;

        HttpError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    public static void main(String[] args) throws IOException {
        Db.execute(SCHEMA);

        // learn check tells the server which port to use in the PORT variable.
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8000"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", Server::handle);
        // A pool of threads, so that several requests are served at the same time.
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        System.out.println("Listening on http://127.0.0.1:" + port);
    }

    // /posts/{id}, where the id is a whole number: anything else, like /posts/abc,
    // is no post's address. Up to 18 digits always fit in a long.
    static final Pattern ONE_POST = Pattern.compile("/posts/([0-9]{1,18})");

    // Every request comes here first: the path picks the endpoint, then the
    // method picks its handler.
    static void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (path.equals("/health")) {
            if (method.equals("GET")) health(exchange);
            else methodNotAllowed(exchange, "GET");
            return;
        }
        if (path.equals("/posts")) {
            if (method.equals("GET")) listPosts(exchange);
            else if (method.equals("POST")) createPost(exchange);
            else methodNotAllowed(exchange, "GET, POST");
            return;
        }
        Matcher onePost = ONE_POST.matcher(path);
        if (onePost.matches()) {
            long postId = Long.parseLong(onePost.group(1));
            if (method.equals("GET")) getPost(exchange, postId);
            else if (method.equals("PUT")) updatePost(exchange, postId);
            else if (method.equals("DELETE")) deletePost(exchange, postId);
            else methodNotAllowed(exchange, "GET, PUT, DELETE");
            return;
        }
        notFound(exchange);
    }

    /** Read and validate the fields of a post from the JSON body. */
    static Map<String, Object> postFields(String text) {
        Object data = Json.parse(text); // throws Json.ParseException: 400
        if (!(data instanceof Map<?, ?> body)) {
            throw new InvalidPost("the body must be a JSON object");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (String name : TEXT_FIELDS) {
            Object value = body.get(name);
            if (value == null) {
                throw new InvalidPost(name + " is required");
            }
            if (!(value instanceof String)) {
                throw new InvalidPost(name + " must be a string");
            }
            fields.put(name, value);
        }
        Object tags = body.get("tags");
        if (tags == null) {
            throw new InvalidPost("tags is required");
        }
        if (!(tags instanceof List<?> list) || !list.stream().allMatch(tag -> tag instanceof String)) {
            throw new InvalidPost("tags must be an array of strings");
        }
        fields.put("tags", tags);
        return fields;
    }

    /** A row of the posts table as the API shows it. */
    static Map<String, Object> toPost(Map<String, Object> row) {
        Map<String, Object> post = new LinkedHashMap<>();
        post.put("id", row.get("id"));
        post.put("title", row.get("title"));
        post.put("content", row.get("content"));
        post.put("category", row.get("category"));
        post.put("tags", Json.parse((String) row.get("tags"))); // stored as JSON text: ["a","b"]
        post.put("createdAt", row.get("created_at"));
        post.put("updatedAt", row.get("updated_at"));
        return post;
    }

    static HttpError postNotFound(long postId) {
        return new HttpError(404, "post " + postId + " not found");
    }

    /** The id from the path, or 404 when it is too big to be any post's id. */
    static long checkedId(long postId) {
        if (postId > MAX_ID) {
            throw postNotFound(postId);
        }
        return postId;
    }

    static Map<String, Object> findPost(long postId) {
        Map<String, Object> row = Db.one("SELECT * FROM posts WHERE id = ?", postId);
        if (row == null) {
            throw postNotFound(postId);
        }
        return toPost(row);
    }

    static void health(HttpExchange exchange) throws IOException {
        sendJson(exchange, 200, Map.of("status", "ok"));
    }

    static void createPost(HttpExchange exchange) throws IOException {
        Map<String, Object> fields = postFields(readBody(exchange));
        String stamp = now();
        Map<String, Object> row = Db.one(
                "INSERT INTO posts (title, content, category, tags, created_at, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?) RETURNING *",
                fields.get("title"), fields.get("content"), fields.get("category"), Json.write(fields.get("tags")), stamp, stamp);
        Map<String, Object> post = toPost(row);
        exchange.getResponseHeaders().set("Location", "/posts/" + post.get("id"));
        sendJson(exchange, 201, post);
    }

    static void listPosts(HttpExchange exchange) throws IOException {
        String term = queryParameters(exchange).getOrDefault("term", "");
        String pattern = "%" + term.toLowerCase() + "%"; // no term: %% matches every post
        List<Map<String, Object>> rows = Db.query(
                "SELECT * FROM posts"
                        + " WHERE LOWER(title) LIKE ? OR LOWER(content) LIKE ? OR LOWER(category) LIKE ?"
                        + " ORDER BY id",
                pattern, pattern, pattern);
        List<Map<String, Object>> posts = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            posts.add(toPost(row));
        }
        sendJson(exchange, 200, posts);
    }

    static void getPost(HttpExchange exchange, long postId) throws IOException {
        sendJson(exchange, 200, findPost(checkedId(postId)));
    }

    static void updatePost(HttpExchange exchange, long postId) throws IOException {
        postId = checkedId(postId);
        Map<String, Object> fields = postFields(readBody(exchange));
        Map<String, Object> row = Db.one(
                "UPDATE posts SET title = ?, content = ?, category = ?, tags = ?, updated_at = ?"
                        + " WHERE id = ? RETURNING *",
                fields.get("title"), fields.get("content"), fields.get("category"), Json.write(fields.get("tags")), now(), postId);
        if (row == null) {
            throw postNotFound(postId);
        }
        sendJson(exchange, 200, toPost(row));
    }

    static void deletePost(HttpExchange exchange, long postId) throws IOException {
        postId = checkedId(postId);
        if (Db.execute("DELETE FROM posts WHERE id = ?", postId) == 0) {
            throw postNotFound(postId);
        }
        exchange.sendResponseHeaders(204, -1);
    }

    static void notFound(HttpExchange exchange) throws IOException {
        sendError(exchange, 404, "not found");
    }

    static void methodNotAllowed(HttpExchange exchange, String allowed) throws IOException {
        exchange.getResponseHeaders().set("Allow", allowed);
        sendError(exchange, 405, "method not allowed");
    }

    static void sendError(HttpExchange exchange, int status, String message) throws IOException {
        sendJson(exchange, status, Map.of("error", message));
    }

    // Ready-made helpers below: you do not need to change them.

    static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** The current UTC time as a string, like 2026-01-31T12:00:00.123Z. */
    static String now() {
        return TIMESTAMP.format(Instant.now());
    }

    /** The request body as text. */
    static String readBody(HttpExchange exchange) throws IOException {
        return new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** The query parameters, decoded: ?term=c%2B%2B+news gives {term: "c++ news"}. */
    static Map<String, String> queryParameters(HttpExchange exchange) {
        Map<String, String> parameters = new HashMap<>();
        // The raw query is still encoded, so a %26 inside a value is not mistaken
        // for the & between parameters: split first, then decode each part.
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return parameters;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            parameters.putIfAbsent(
                    URLDecoder.decode(name, StandardCharsets.UTF_8),
                    URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return parameters;
    }

    static void handle(HttpExchange exchange) throws IOException {
        try {
            route(exchange);
        } catch (Json.ParseException error) {
            sendJson(exchange, 400, Map.of("error", "the body is not valid JSON: " + error.getMessage()));
        } catch (InvalidPost error) {
            sendJson(exchange, 400, Map.of("error", error.getMessage()));
        } catch (HttpError error) {
            sendError(exchange, error.status, error.getMessage());
        } catch (RuntimeException error) {
            // A crash, or a statement the database refused (Db.Failure): the server's
            // output shows which.
            error.printStackTrace();
            sendText(exchange, 500, "Internal Server Error");
        } finally {
            exchange.close();
        }
    }

    static void sendJson(HttpExchange exchange, int status, Object value) throws IOException {
        send(exchange, status, "application/json", Json.write(value));
    }

    static void sendText(HttpExchange exchange, int status, String text) throws IOException {
        send(exchange, status, "text/plain; charset=utf-8", text);
    }

    static void send(HttpExchange exchange, int status, String contentType, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        // The length of the body in bytes (not in characters: é takes two). For
        // no body at all the JDK wants -1: a length of 0 means "not known yet".
        exchange.sendResponseHeaders(status, bytes.length > 0 ? bytes.length : -1);
        try (OutputStream body = exchange.getResponseBody()) {
            body.write(bytes);
        }
    }
}
