/*
 * ctype.h - cowos user library: character classes of the "C" locale.
 * Arguments are an unsigned char value or EOF; anything above 127 is in
 * no class.
 */
#ifndef _COWOS_CTYPE_H
#define _COWOS_CTYPE_H

int isalnum(int c);
int isalpha(int c);
int isblank(int c); /* ' ' and '\t' */
int iscntrl(int c);
int isdigit(int c);
int isgraph(int c);
int islower(int c);
int isprint(int c);
int ispunct(int c);
int isspace(int c); /* ' ', \t \n \v \f \r */
int isupper(int c);
int isxdigit(int c);
/* The other case of a letter; any other value comes back unchanged. */
int tolower(int c);
int toupper(int c);

#endif
