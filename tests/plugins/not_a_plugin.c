/* A shared library without the entry symbol. */
int some_function(void) { return 42; }
