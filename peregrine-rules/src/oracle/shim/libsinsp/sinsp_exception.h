#pragma once
#include <stdexcept>
#include <string>
struct sinsp_exception : std::runtime_error { explicit sinsp_exception(const std::string& s): std::runtime_error(s) {} };
