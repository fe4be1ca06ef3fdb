// A blog posts API, kept in memory.

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
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Server {
    // All posts live here while the server runs, keyed by id: {1: {...}, 2: {...}}.
    // Several threads serve requests at the same time: a ConcurrentSkipListMap is
    // safe for that (a plain HashMap is not), and it keeps its posts in id order.
    static final Map<Long, Map<String, Object>> posts = new ConcurrentSkipListMap<>();
    // 1, 2, 3, ... never reused, even after a delete. An AtomicLong hands out each
    // number once, even to two requests at the same moment.
    static final AtomicLong lastId = new AtomicLong();

    static final List<String> TEXT_FIELDS = List.of("title", "content", "category");
    static final List<String> SEARCHED_FIELDS = List.of("title", "content", "category");

    /** The request body is not a valid post; the message says why. */
    static final class InvalidPost extends RuntimeException {
        InvalidPost(String message) {
            super(message);
        }
    }

    public static void main(String[] args) throws IOException {
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
    static Map<String, Object> postFields(HttpExchange exchange) throws IOException {
        Object data = Json.parse(readBody(exchange)); // throws Json.ParseException: 400
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

    /** The stored post, or a 404 (thrown: handle() answers it). */
    static Map<String, Object> findPost(long postId) {
        Map<String, Object> post = posts.get(postId);
        if (post == null) {
            throw new HttpError(404, "post " + postId + " not found");
        }
        return post;
    }

    /** True when term appears in the post's title, content or category, ignoring case. */
    static boolean matches(Map<String, Object> post, String term) {
        for (String field : SEARCHED_FIELDS) {
            if (((String) post.get(field)).toLowerCase().contains(term)) {
                return true;
            }
        }
        return false;
    }

    static void createPost(HttpExchange exchange) throws IOException {
        Map<String, Object> fields = postFields(exchange);
        String stamp = now();
        Map<String, Object> post = new LinkedHashMap<>();
        post.put("id", lastId.incrementAndGet());
        post.putAll(fields);
        post.put("createdAt", stamp);
        post.put("updatedAt", stamp);
        posts.put((Long) post.get("id"), post);
        exchange.getResponseHeaders().set("Location", "/posts/" + post.get("id"));
        sendJson(exchange, 201, post);
    }

    static void listPosts(HttpExchange exchange) throws IOException {
        String term = queryParameters(exchange).getOrDefault("term", "").toLowerCase();
        List<Map<String, Object>> found = new ArrayList<>();
        for (Map<String, Object> post : posts.values()) {
            if (matches(post, term)) {
                found.add(post);
            }
        }
        sendJson(exchange, 200, found);
    }

    static void getPost(HttpExchange exchange, long postId) throws IOException {
        sendJson(exchange, 200, findPost(postId));
    }

    static void updatePost(HttpExchange exchange, long postId) throws IOException {
        Map<String, Object> post = new LinkedHashMap<>(findPost(postId));
        post.putAll(postFields(exchange));
        post.put("updatedAt", now());
        // A new map in place of the old one: a GET at the same moment sees the old
        // post or the new one, never half of each.
        posts.put(postId, post);
        sendJson(exchange, 200, post);
    }

    static void deletePost(HttpExchange exchange, long postId) throws IOException {
        findPost(postId);
        posts.remove(postId);
        exchange.sendResponseHeaders(204, -1);
    }

    static void notFound(HttpExchange exchange) throws IOException {
        sendError(exchange, 404, "not found");
    }

    static void methodNotAllowed(HttpExchange exchange, String allowed) throws IOException {
        exchange.getResponseHeaders().set("Allow", allowed);
        sendError(exchange, 405, "method not allowed");
    }

    /** An error answer, thrown from anywhere in a handler: handle() sends it. */
    static final class HttpError extends RuntimeException {
        final int status;

        HttpError(int status, String message) {
            super(message);
            this.status = status;
        }
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
