/* Hello World, native C: the baseline every other column is compared with. */
#include <stdio.h>

int main(void) {
    puts("Hello, World!");
    return 0;
}
