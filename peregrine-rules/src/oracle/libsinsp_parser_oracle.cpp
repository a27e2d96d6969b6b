#include <libsinsp/filter/parser.h>
#include <libsinsp/sinsp_exception.h>
#include <iostream>
#include <sstream>
using namespace libsinsp::filter;
using namespace libsinsp::filter::ast;
static std::string hex(const std::string& s) { static const char* d = "0123456789abcdef"; std::string o; for (unsigned char c : s) { o += d[c >> 4]; o += d[c & 15]; } return "x" + o; }
static std::string unhex(const std::string& s) { std::string o; for (size_t i = 0; i + 1 < s.size(); i += 2) o += (char) std::stoi(s.substr(i, 2), nullptr, 16); return o; }
static std::string pos(const expr* e) { auto& p = e->get_pos(); return "@" + std::to_string(p.idx) + ":" + std::to_string(p.line) + ":" + std::to_string(p.col); }
struct dumper : const_expr_visitor {
  std::string o;
  void kids(const std::vector<std::unique_ptr<expr>>& c) { for (auto& x : c) { o += " "; x->accept(this); } }
  void visit(const and_expr* e) override { o += "(and" + pos(e); kids(e->children); o += ")"; }
  void visit(const or_expr* e) override { o += "(or" + pos(e); kids(e->children); o += ")"; }
  void visit(const not_expr* e) override { o += "(not" + pos(e) + " "; e->child->accept(this); o += ")"; }
  void visit(const identifier_expr* e) override { o += "(id" + pos(e) + " " + hex(e->identifier) + ")"; }
  void visit(const value_expr* e) override { o += "(val" + pos(e) + " " + hex(e->value) + ")"; }
  void visit(const list_expr* e) override { o += "(list" + pos(e); for (auto& v : e->values) o += " " + hex(v); o += ")"; }
  void visit(const transformer_list_expr* e) override { o += "(tlist" + pos(e); kids(e->children); o += ")"; }
  void visit(const unary_check_expr* e) override { o += "(unary" + pos(e) + " " + hex(e->op) + " "; e->left->accept(this); o += ")"; }
  void visit(const binary_check_expr* e) override { o += "(bin" + pos(e) + " " + hex(e->op) + " "; e->left->accept(this); o += " "; e->right->accept(this); o += ")"; }
  void visit(const field_expr* e) override { o += "(field" + pos(e) + " " + hex(e->field) + " " + (e->arg ? hex(*e->arg) : "-") + ")"; }
  void visit(const field_transformer_expr* e) override { o += "(tr" + pos(e) + " " + hex(e->transformer) + " " + (e->arg ? hex(*e->arg) : "-"); kids(e->values); o += ")"; }
};
int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    std::string in = unhex(line);
    parser p(in);
    try {
      auto e = p.parse();
      dumper d; e->accept(&d);
      std::cout << "OK " << d.o << "\n";
    } catch (const std::exception& ex) {
      auto ps = p.get_pos();
      std::cout << "ERR " << ps.idx << ":" << ps.line << ":" << ps.col << " " << hex(ex.what()) << "\n";
    }
  }
}
