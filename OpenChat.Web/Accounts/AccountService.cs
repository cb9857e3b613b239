using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using OpenChat.Web.Hosting;
using OpenChat.Web.Storage;

namespace OpenChat.Web.Accounts;

/// <summary>What a form submission came to: the member it signs in, or the errors to show (by field, or for the whole form).</summary>
public sealed record AccountResult(Member? Member, IReadOnlyDictionary<string, string> FieldErrors, string? FormError, TimeSpan? RetryAfter = null)
{
    public bool Succeeded => Member is not null;

    public static AccountResult Success(Member member) => new(member, Empty, null);

    public static AccountResult Invalid(IReadOnlyDictionary<string, string> fieldErrors) => new(null, fieldErrors, null);

    public static AccountResult Refused(string message, TimeSpan? retryAfter = null) => new(null, Empty, message, retryAfter);

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();
}

/// <summary>
/// Members' sign-up, sign-in, display name and deletion, without HTTP. Error texts never say whether an
/// email has an account: a wrong password and an unknown email read the same, and cost the same hashing.
/// </summary>
public sealed partial class AccountService(
    IMemberRepository members,
    IPasswordHasher<Member> hasher,
    SignInThrottle throttle,
    TimeProvider clock,
    ILogger<AccountService> logger)
{
    public const int MaxEmailLength = 254;
    public const int MaxPasswordLength = 1024;
    public const string DeleteConfirmation = "DELETE";

    public const string Mismatch = "That email and password don't match.";

    /// <summary>
    /// Sign-up with an email that already has an account and a different password. It names neither the email
    /// nor "taken"; see <see cref="SignUpAsync"/> for why.
    /// </summary>
    public const string SignUpRefused = "We couldn't create an account with these details. If you already have an account, sign in instead.";

    // A real hash for unknown emails, so they take as long as a wrong password.
    private readonly Lazy<string> _dummyHash = new(() =>
        hasher.HashPassword(Placeholder, Convert.ToHexString(RandomNumberGenerator.GetBytes(16))));

    private static readonly Member Placeholder = new(Guid.Empty, "", "", "", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    /// <param name="address">The client's IP address (failures slow down this address for this email, no other).</param>
    public async Task<AccountResult> SignInAsync(string? email, string? password, string address, CancellationToken cancellationToken)
    {
        email = email?.Trim() ?? "";
        password ??= "";
        var errors = new Dictionary<string, string>();
        if (email.Length == 0)
        {
            errors["email"] = "Enter your email.";
        }
        else if (email.Length > MaxEmailLength)
        {
            errors["email"] = $"An email has at most {MaxEmailLength} characters.";
        }

        if (password.Length == 0)
        {
            errors["password"] = "Enter your password.";
        }
        else if (password.Length > MaxPasswordLength)
        {
            errors["password"] = $"A password has at most {MaxPasswordLength} characters.";
        }

        if (errors.Count > 0)
        {
            return AccountResult.Invalid(errors);
        }

        if (throttle.WaitFor(email, address) is { } remaining)
        {
            return AccountResult.Refused(SignInThrottle.WaitMessage(remaining), remaining);
        }

        var member = await members.FindByEmailAsync(email, cancellationToken);
        var verified = await VerifyAsync(member, password, cancellationToken);
        if (verified is null)
        {
            return Failure(email, address, Mismatch);
        }

        throttle.Reset(email, address);
        return AccountResult.Success(verified);
    }

    /// <summary>
    /// Creates a member. When the email already has an account (compared without regard to case), the
    /// visitor is not told "taken": if the password matches, this is that person signing in, so they are
    /// signed in; otherwise a generic refusal that suggests signing in. Such an attempt is a password guess,
    /// so it counts towards the email and address's delays exactly like a failed sign-in (sign-up is no way around it).
    /// </summary>
    public async Task<AccountResult> SignUpAsync(string? displayName, string? email, string? password, string address, CancellationToken cancellationToken)
    {
        var name = NormalizeDisplayName(displayName);
        email = email?.Trim() ?? "";
        password ??= "";
        var errors = new Dictionary<string, string>();
        if (ValidateDisplayName(name) is { } nameError)
        {
            errors["name"] = nameError;
        }

        if (email.Length == 0)
        {
            errors["email"] = "Enter your email.";
        }
        else if (email.Length > MaxEmailLength || !EmailPattern().IsMatch(email))
        {
            errors["email"] = "Enter an email address like name@example.com.";
        }

        var passwordLength = new StringInfo(password).LengthInTextElements;
        if (passwordLength < Member.MinPasswordLength)
        {
            errors["password"] = password.Length == 0
                ? "Choose a password."
                : $"Use at least {Member.MinPasswordLength} characters for your password.";
        }
        else if (password.Length > MaxPasswordLength)
        {
            errors["password"] = $"A password has at most {MaxPasswordLength} characters.";
        }

        if (errors.Count > 0)
        {
            return AccountResult.Invalid(errors);
        }

        if (throttle.WaitFor(email, address) is { } remaining)
        {
            return AccountResult.Refused(SignInThrottle.WaitMessage(remaining), remaining);
        }

        var now = clock.StorageNow();
        var member = new Member(Guid.CreateVersion7(), email, name, "", now, now);
        member = member with { PasswordHash = hasher.HashPassword(member, password) };
        if (await members.CreateAsync(member, cancellationToken))
        {
            logger.LogInformation("Member {MemberId} signed up", member.Id);
            return AccountResult.Success(member);
        }

        var existing = await members.FindByEmailAsync(email, cancellationToken);
        var verified = await VerifyAsync(existing, password, cancellationToken);
        if (verified is null)
        {
            return Failure(email, address, SignUpRefused);
        }

        throttle.Reset(email, address);
        return AccountResult.Success(verified);
    }

    public async Task<AccountResult> ChangeDisplayNameAsync(Guid memberId, string? displayName, CancellationToken cancellationToken)
    {
        var name = NormalizeDisplayName(displayName);
        if (ValidateDisplayName(name) is { } error)
        {
            return AccountResult.Invalid(new Dictionary<string, string> { ["name"] = error });
        }

        var member = await members.FindAsync(memberId, cancellationToken);
        if (member is null || !await members.UpdateDisplayNameAsync(memberId, name, clock.StorageNow(), cancellationToken))
        {
            return AccountResult.Refused("Your account no longer exists.");
        }

        return AccountResult.Success(member with { DisplayName = name });
    }

    public const string WrongCurrentPassword = "That isn't your current password.";

    /// <summary>A new password, given the current one (a wrong one counts like a failed sign-in from this address).</summary>
    public async Task<AccountResult> ChangePasswordAsync(Guid memberId, string? current, string? password, string address, CancellationToken cancellationToken)
    {
        current ??= "";
        password ??= "";
        var errors = new Dictionary<string, string>();
        if (current.Length == 0)
        {
            errors["current"] = "Enter your current password.";
        }

        if (ValidateNewPassword(password) is { } passwordError)
        {
            errors["password"] = passwordError;
        }

        if (errors.Count > 0)
        {
            return AccountResult.Invalid(errors);
        }

        var (member, refusal) = await VerifyCurrentAsync(memberId, current, address, cancellationToken);
        if (member is null)
        {
            return refusal!;
        }

        var hash = hasher.HashPassword(member, password);
        if (!await members.UpdatePasswordHashAsync(member.Id, hash, clock.StorageNow(), cancellationToken))
        {
            return AccountResult.Refused("Your account no longer exists.");
        }

        logger.LogInformation("Member {MemberId} changed their password", member.Id);
        return AccountResult.Success(member with { PasswordHash = hash });
    }

    /// <summary>A new email, given the current password. Another account's email is refused without saying whose.</summary>
    public async Task<AccountResult> ChangeEmailAsync(Guid memberId, string? email, string? current, string address, CancellationToken cancellationToken)
    {
        email = email?.Trim() ?? "";
        current ??= "";
        var errors = new Dictionary<string, string>();
        if (email.Length == 0 || email.Length > MaxEmailLength || !EmailPattern().IsMatch(email))
        {
            errors["email"] = "Enter an email address like name@example.com.";
        }

        if (current.Length == 0)
        {
            errors["email-current"] = "Enter your current password.";
        }

        if (errors.Count > 0)
        {
            return AccountResult.Invalid(errors);
        }

        var (member, refusal) = await VerifyCurrentAsync(memberId, current, address, cancellationToken, field: "email-current");
        if (member is null)
        {
            return refusal!;
        }

        if (!await members.UpdateEmailAsync(member.Id, email, clock.StorageNow(), cancellationToken))
        {
            return AccountResult.Invalid(new Dictionary<string, string> { ["email"] = "That email can't be used for your account. Choose another one." });
        }

        logger.LogInformation("Member {MemberId} changed their email", member.Id);
        return AccountResult.Success(member with { Email = email });
    }

    private async Task<(Member? Member, AccountResult? Refusal)> VerifyCurrentAsync(
        Guid memberId, string current, string address, CancellationToken cancellationToken, string field = "current")
    {
        var member = await members.FindAsync(memberId, cancellationToken);
        if (member is null)
        {
            return (null, AccountResult.Refused("Your account no longer exists."));
        }

        if (throttle.WaitFor(member.Email, address) is { } remaining)
        {
            return (null, AccountResult.Refused(SignInThrottle.WaitMessage(remaining), remaining));
        }

        if (await VerifyAsync(member, current, cancellationToken) is not { } verified)
        {
            throttle.RecordFailure(member.Email, address);
            return (null, AccountResult.Invalid(new Dictionary<string, string> { [field] = WrongCurrentPassword }));
        }

        return (verified, null);
    }

    private static string? ValidateNewPassword(string password)
    {
        var length = new StringInfo(password).LengthInTextElements;
        if (length < Member.MinPasswordLength)
        {
            return password.Length == 0 ? "Choose a password." : $"Use at least {Member.MinPasswordLength} characters for your password.";
        }

        return password.Length > MaxPasswordLength ? $"A password has at most {MaxPasswordLength} characters." : null;
    }

    public static bool IsDeleteConfirmed(string? confirmation) =>
        string.Equals(confirmation?.Trim(), DeleteConfirmation, StringComparison.Ordinal);

    /// <summary>Deletes the member and everything they own, once they typed DELETE (stop their replies first: <c>ChatService.StopAllRepliesAsync</c>).</summary>
    public async Task<AccountResult> DeleteAsync(Guid memberId, string? confirmation, CancellationToken cancellationToken)
    {
        if (!IsDeleteConfirmed(confirmation))
        {
            return AccountResult.Invalid(new Dictionary<string, string> { ["confirm"] = $"Type {DeleteConfirmation} in capital letters to confirm." });
        }

        var member = await members.FindAsync(memberId, cancellationToken);
        if (member is null)
        {
            return AccountResult.Refused("Your account no longer exists.");
        }

        await members.DeleteAsync(memberId, cancellationToken);
        logger.LogInformation("Member {MemberId} deleted their account", memberId);
        return AccountResult.Success(member);
    }

    /// <summary>Trims and folds runs of white space (including line breaks) into one space.</summary>
    public static string NormalizeDisplayName(string? value) =>
        WhiteSpaceRun().Replace(value?.Trim() ?? "", " ");

    public static string? ValidateDisplayName(string name)
    {
        if (name.Length == 0)
        {
            return "Enter a name.";
        }

        if (name.Length > Member.MaxDisplayNameLength)
        {
            return $"Use at most {Member.MaxDisplayNameLength} characters for your name.";
        }

        return name.Any(c => char.IsControl(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format && c != '\u200D')
            ? "Use letters, numbers, spaces and punctuation in your name."
            : null;
    }

    /// <summary>A failed attempt: the usual sentence, and from now on a wait when this address has failed too often.</summary>
    private AccountResult Failure(string email, string address, string message)
    {
        throttle.RecordFailure(email, address);
        return AccountResult.Refused(message);
    }

    /// <returns>The member when the password is theirs (rehashing it when the hasher asks), else null.</returns>
    private async Task<Member?> VerifyAsync(Member? member, string password, CancellationToken cancellationToken)
    {
        if (member is null)
        {
            hasher.VerifyHashedPassword(Placeholder, _dummyHash.Value, password);
            return null;
        }

        var result = hasher.VerifyHashedPassword(member, member.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed)
        {
            return null;
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            var rehashed = hasher.HashPassword(member, password);
            if (await members.UpdatePasswordHashAsync(member.Id, rehashed, clock.StorageNow(), cancellationToken))
            {
                member = member with { PasswordHash = rehashed };
                logger.LogInformation("Rehashed the password of member {MemberId}", member.Id);
            }
        }

        return member;
    }

    // One @, something on both sides, a dot in the domain, no spaces: anything stricter rejects real addresses.
    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s.]+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpaceRun();
}
