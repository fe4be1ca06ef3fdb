// A blog posts API, kept in memory. Read README.md for the task, then run `learn check`.

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Server {
    // All posts live here while the server runs, keyed by id: {1: {...}, 2: {...}}.
    // Several threads serve requests at the same time: a ConcurrentSkipListMap is
    // safe for that (a plain HashMap is not), and it keeps its posts in id order.
    static final Map<Long, Map<String, Object>> posts = new ConcurrentSkipListMap<>();

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

    static void createPost(HttpExchange exchange) throws IOException {
        // TODO: read the JSON body (Json.parse(readBody(exchange)): a body that is not
        // valid JSON throws Json.ParseException, which handle() below already answers
        // with 400), check every field, give the post an id and timestamps, store it,
        // and answer 201 with a Location header (exchange.getResponseHeaders().set).
        notImplemented(exchange);
    }

    static void listPosts(HttpExchange exchange) throws IOException {
        // TODO: answer every stored post, or only those matching ?term=
        // (queryParameters(exchange).get("term")).
        sendJson(exchange, 200, List.of());
    }

    static void getPost(HttpExchange exchange, long postId) throws IOException {
        // TODO: answer the post with this id, or 404 with a JSON error.
        notImplemented(exchange);
    }

    static void updatePost(HttpExchange exchange, long postId) throws IOException {
        // TODO: check the body like in createPost, replace the fields, refresh updatedAt.
        notImplemented(exchange);
    }

    static void deletePost(HttpExchange exchange, long postId) throws IOException {
        // TODO: remove the post and answer 204 with an empty body: a response without
        // a body is exchange.sendResponseHeaders(204, -1) (-1: no body at all).
        notImplemented(exchange);
    }

    // TODO: the JDK, like Flask, answers errors in text or HTML. Make every error
    // JSON: an unknown path answers 404 with {"error": "not found"}, a wrong method
    // 405 with {"error": "method not allowed"} (sendJson with a Map does that).
    static void notFound(HttpExchange exchange) throws IOException {
        sendText(exchange, 404, "Not Found");
    }

    static void methodNotAllowed(HttpExchange exchange, String allowed) throws IOException {
        exchange.getResponseHeaders().set("Allow", allowed);
        sendText(exchange, 405, "Method Not Allowed");
    }

    static void notImplemented(HttpExchange exchange) throws IOException {
        sendJson(exchange, 501, Map.of("error", "not implemented yet"));
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
