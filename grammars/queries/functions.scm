; Every function definition of a C translation unit, wherever error recovery put it.
; The declarator may wrap the function_declarator in pointer declarators (`struct folio *f(...)`).
(function_definition
  body: (compound_statement) @body) @function
