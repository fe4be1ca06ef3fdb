// A blog posts API, kept in a database. Read README.md for the task, then run `learn check`.
//
// Db.java is ready: Db.query / Db.one / Db.execute run SQL on the database that
// DATABASE_URL names (SQLite or PostgreSQL), with ? for each value.

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
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Server {
    // TODO: the posts table, with the columns README.md lists. Use
    // "id " + Db.AUTO_ID for the id: the database numbers the rows itself. Keep IF
    // NOT EXISTS: when the server restarts, the table (and its posts) is already there.
    static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS ...
            """;

    public static void main(String[] args) throws IOException {
        // TODO: create the table here, before the server starts: Db.execute(SCHEMA);

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

    static void health(HttpExchange exchange) throws IOException {
        sendJson(exchange, 200, Map.of("status", "ok"));
    }

    static void createPost(HttpExchange exchange) throws IOException {
        // TODO: check the body as in the crud-app (Json.parse(readBody(exchange)):
        // a body that is not valid JSON throws Json.ParseException, which handle()
        // below already answers with 400), INSERT a row (tags as JSON text:
        // Json.write(tags)), RETURNING * to get the row with its new id, and answer
        // the post with 201 and a Location header.
        notImplemented(exchange);
    }

    static void listPosts(HttpExchange exchange) throws IOException {
        // TODO: SELECT the rows (only those matching ?term=,
        // queryParameters(exchange).get("term")) and answer them as posts: tags back
        // as a list (Json.parse), createdAt, updatedAt.
        notImplemented(exchange);
    }

    static void getPost(HttpExchange exchange, long postId) throws IOException {
        // TODO: SELECT the row with this id and answer it as a post, or 404 with a JSON error.
        notImplemented(exchange);
    }

    static void updatePost(HttpExchange exchange, long postId) throws IOException {
        // TODO: check the body, UPDATE that row (and refresh updated_at), answer the post.
        notImplemented(exchange);
    }

    static void deletePost(HttpExchange exchange, long postId) throws IOException {
        // TODO: DELETE that row and answer 204 with an empty body (404 if there was
        // none): a response without a body is exchange.sendResponseHeaders(204, -1).
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
