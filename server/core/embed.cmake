# Turns a text file into a C array (cmake -DIN=file -DOUT=file.c -DNAME=sym -P embed.cmake),
# so data the server needs (the common-password list) is inside the binary and
# cannot go missing at run time.
file(READ "${IN}" HEX HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," BYTES "${HEX}")
file(WRITE "${OUT}" "/* Generated from ${IN} by embed.cmake; do not edit. */\n#include <stddef.h>\nextern const unsigned char ${NAME}[];\nextern const size_t ${NAME}_size;\nconst unsigned char ${NAME}[] = {${BYTES} 0x00};\nconst size_t ${NAME}_size = sizeof ${NAME} - 1;\n")
