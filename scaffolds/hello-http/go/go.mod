module learn/hello-http

go 1.19
