import HTTPTypes

extension HTTPFields {
    /// What `self[name]` gives (several fields of the name joined with ", "), without joining through lazy generic
    /// sequences when there is one field, the usual case: on every reader request's path.
    func value(_ name: HTTPField.Name) -> String? {
        var found: String?
        for field in self where field.name == name {
            if found != nil { return self[name] }
            found = field.value
        }
        return found
    }
}
