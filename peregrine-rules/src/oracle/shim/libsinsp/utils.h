// Minimal stand-in for libsinsp/utils.h: just what the filter parser sources need to build outside libs.
#pragma once
#include <cctype>
#include <string>
#define ASSERT(x)
inline std::string& trim(std::string& s) {
	size_t first = 0;
	while(first < s.size() && std::isspace(static_cast<unsigned char>(s[first]))) {
		first++;
	}
	size_t last = s.size();
	while(last > first && std::isspace(static_cast<unsigned char>(s[last - 1]))) {
		last--;
	}
	s = s.substr(first, last - first);
	return s;
}
