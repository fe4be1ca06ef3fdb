module learn/crud-app

go 1.19
