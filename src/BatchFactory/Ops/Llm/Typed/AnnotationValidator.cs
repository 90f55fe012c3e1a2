using System.Collections;
using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Serialization.Metadata;

namespace BatchFactory.Operators;

/// <summary>
/// Checks the DataAnnotations of a value read from JSON all the way down (<see cref="Validator"/> looks at one object
/// only): the attributes on each member (or on the record parameter it comes from), the type's own attributes and
/// <see cref="IValidatableObject"/>, in every nested object, list and array. Each error names its JSON path, e.g.
/// <c>$.value[2].Difficulty: The field Difficulty must be between 1 and 5.</c>. What it learns of a type is kept.
/// </summary>
internal static class AnnotationValidator
{
    private const int MaxDepth = 64;
    private static readonly ConcurrentDictionary<Type, Plan> Plans = new();

    /// <summary>Adds to <paramref name="errors"/> what is wrong with <paramref name="value"/>, found at <paramref name="path"/>.</summary>
    public static void Check(object value, string path, List<string> errors) => Check(value, path, errors, 0);

    private static void Check(object value, string path, List<string> errors, int depth)
    {
        var info = StrictJson.Options.GetTypeInfo(value.GetType());
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object when depth < MaxDepth:
                CheckObject(value, Plans.GetOrAdd(info.Type, _ => Plan.Of(info)), path, errors, depth);
                break;
            case JsonTypeInfoKind.Enumerable when depth < MaxDepth:
                var i = 0;
                foreach (var item in (IEnumerable)value)
                {
                    if (item is not null && Walks(item))
                    {
                        Check(item, $"{path}[{i}]", errors, depth + 1);
                    }

                    i++;
                }

                break;
            case JsonTypeInfoKind.Dictionary when depth < MaxDepth && value is IDictionary dictionary:
                foreach (DictionaryEntry item in dictionary)
                {
                    if (item.Value is not null && Walks(item.Value))
                    {
                        Check(item.Value, $"{path}.{item.Key}", errors, depth + 1);
                    }
                }

                break;
        }
    }

    private static void CheckObject(object value, Plan plan, string path, List<string> errors, int depth)
    {
        foreach (var member in plan.Members)
        {
            var memberValue = member.Info.Get!(value);
            if (member.Attributes.Length > 0)
            {
                var context = new ValidationContext(value, member.Info.Name, null, null) { MemberName = member.ClrName };
                foreach (var attribute in member.Attributes)
                {
                    if (attribute.GetValidationResult(memberValue, context) is { } result && result != ValidationResult.Success)
                    {
                        errors.Add($"{path}.{member.Info.Name}: {result.ErrorMessage}");
                    }
                }
            }

            if (memberValue is not null && Walks(memberValue))
            {
                Check(memberValue, $"{path}.{member.Info.Name}", errors, depth + 1);
            }
        }

        if (plan.TypeAttributes.Length > 0 || value is IValidatableObject)
        {
            // Named here: the context would otherwise look the name up by reflection, which trimming may break.
            var context = new ValidationContext(value, value.GetType().Name, null, null);
            var results = plan.TypeAttributes.Select(a => a.GetValidationResult(value, context)).ToList();
            if (value is IValidatableObject validatable)
            {
                results.AddRange(validatable.Validate(context));
            }

            foreach (var result in results.Where(r => r is not null && r != ValidationResult.Success))
            {
                var members = result!.MemberNames.ToList();
                errors.Add(members.Count == 0 ? $"{path}: {result.ErrorMessage}" : string.Join("; ", members.Select(m => $"{path}.{m}: {result.ErrorMessage}")));
            }
        }
    }

    // Whether a value has members or items to look into (strings, numbers and the like have not).
    private static bool Walks(object value) =>
        value is not (string or ValueType) || StrictJson.Options.GetTypeInfo(value.GetType()).Kind != JsonTypeInfoKind.None;

    private sealed record Member(JsonPropertyInfo Info, string ClrName, ValidationAttribute[] Attributes);

    private sealed record Plan(Member[] Members, ValidationAttribute[] TypeAttributes)
    {
        public static Plan Of(JsonTypeInfo info)
        {
            var members = info.Properties
                .Where(p => p.Get is not null)
                .Select(p =>
                {
                    var member = p.AttributeProvider as MemberInfo;
                    var attributes = (member?.GetCustomAttributes<ValidationAttribute>(inherit: true) ?? [])
                        .Concat(p.AssociatedParameter?.AttributeProvider?.GetCustomAttributes(typeof(ValidationAttribute), inherit: true).Cast<ValidationAttribute>() ?? [])
                        .ToArray();
                    return new Member(p, member?.Name ?? p.Name, attributes);
                })
                .ToArray();
            return new Plan(members, [.. info.Type.GetCustomAttributes<ValidationAttribute>(inherit: true)]);
        }
    }
}
