#include "core/train/Calibrate.h"

#include "core/runtime/ErrorText.h"
#include "core/train/FieldBundle.h"
#include "core/train/ProfileFit.h"

#include <opencv2/core.hpp>

#include <array>
#include <chrono>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace mollichrom::train {

namespace {

using prep::EstimatedValue;
using prep::ValueSource;

EstimatedValue fixedValue(double v, ValueSource source, const std::string& note = "") {
  EstimatedValue e;
  e.value = e.low = e.high = v;
  e.source = source;
  e.note = note;
  return e;
}

// Mean of each channel over the nuclei, all frames.
std::array<double, 2> nuclearMeans(const prep::FieldData& d) {
  std::array<double, 2> m{0, 0};
  for (int t = 0; t < d.frames(); ++t) {
    m[0] += cv::mean(d.density[size_t(t)], d.mask)[0];
    m[1] += cv::mean(d.hetero[size_t(t)], d.mask)[0];
  }
  for (double& x : m) x /= std::max(1, d.frames());
  return m;
}

// Multiplies a channel by `factor` (new planes: the old ones may be shared).
void rescale(std::vector<cv::Mat>& planes, double factor) {
  if (factor == 1) return;
  for (cv::Mat& p : planes) p = p * factor;
}

std::string fmt(double v) {
  std::ostringstream s;
  s.precision(3);
  s << v;
  return s.str();
}

}  // namespace

RunCalibration calibrateRunImpl(prep::FieldData& data, models::ParameterChoice& params,
                                const CalibrationRequest& request, util::Feedback* feedback);

StackProfile profileOfStack(const prep::FieldData& data, const models::ChromatinParameters& values,
                            const ProfileSettings& settings, util::Feedback* feedback) {
  const auto means = nuclearMeans(data);
  const double shareRef = means[0] > 0 ? means[1] / means[0] : 0.5;
  // Counts: the ratio of the channels' counts (the mapping's gains divided out); fractions: the
  // share itself (gain 1 each).
  double countsRatio = shareRef, counts[2] = {means[0], means[1]};
  if (data.counts.used && data.counts.scale[0] > 0 && data.counts.scale[1] > 0) {
    counts[0] = means[0] / data.counts.scale[0];
    counts[1] = means[1] / data.counts.scale[1];
    countsRatio = counts[1] / counts[0];
  }
  ProfileSettings s = settings;
  if (s.shares.empty()) s.shares = defaultShareGrid();
  StackProfile p =
      profileStack(FieldBundle::from(data), values, shareRef, countsRatio, s, feedback);
  p.meanCounts[0] = counts[0];
  p.meanCounts[1] = counts[1];
  p.nucleusPixels = cv::countNonZero(data.mask);
  return p;
}

RunCalibration calibrateRun(prep::FieldData& data, models::ParameterChoice& params,
                            const CalibrationRequest& request, util::Feedback* feedback) {
  // LibTorch's and the allocator's failures become the errors users see (ErrorText.h).
  const auto start = std::chrono::steady_clock::now();
  RunCalibration out =
      translatingErrors([&] { return calibrateRunImpl(data, params, request, feedback); });
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

RunCalibration calibrateRunImpl(prep::FieldData& data, models::ParameterChoice& params,
                                const CalibrationRequest& request, util::Feedback* feedback) {
  RunCalibration out;
  out.counts = data.counts.used;
  const bool timeLapse = data.frames() >= 3;
  const auto* given = request.given ? &*request.given : nullptr;
  if (given) {
    out.calibrationFile = request.givenPath;
    const auto& v = params.values;
    if (std::abs(given->ell - v.ell) > 1e-9 || std::abs(given->phiMax - v.phiMax) > 1e-9)
      throw std::invalid_argument(request.givenPath + ": the calibration was made with ell " +
                                  fmt(given->ell) + " um and phi_max " + fmt(given->phiMax) +
                                  "; this run uses ell " + fmt(v.ell) + " and phi_max " +
                                  fmt(v.phiMax));
  }

  // The share: the acquisition's gains, the user's share, the data's fractions — or identified.
  bool identifyShare = false;
  if (out.counts && given) {
    if (!given->hasGains())
      throw std::invalid_argument(request.givenPath + ": holds no gains to apply");
    rescale(data.density, given->densityGain.value / data.counts.scale[0]);
    rescale(data.hetero, given->heteroGain.value / data.counts.scale[1]);
    const auto m = nuclearMeans(data);
    data.counts.scale[0] = given->densityGain.value;
    data.counts.scale[1] = given->heteroGain.value;
    data.counts.chromatinFraction = m[0];
    data.counts.heteroShare = m[1] / m[0];
    data.counts.gainsGiven = true;
    out.share = fixedValue(data.counts.heteroShare, ValueSource::Calibration);
    const auto& hg = given->heteroGain;
    if (hg.hasInterval()) {
      out.share.low = out.share.value * hg.low / hg.value;
      out.share.high = out.share.value * hg.high / hg.value;
    }
    out.share.identifiable = hg.identifiable;
  } else if (out.counts && request.shareGiven) {
    out.share = fixedValue(data.counts.heteroShare, ValueSource::Given);
  } else if (out.counts) {
    identifyShare = timeLapse;
    out.share = fixedValue(data.counts.heteroShare, ValueSource::Assumed,
                           timeLapse ? "" : "one frame has no dynamics to identify it");
  } else {
    const auto m = nuclearMeans(data);
    out.share =
        fixedValue(m[0] > 0 ? m[1] / m[0] : 0, ValueSource::Given, "the data are fractions");
    if (given)
      throw std::invalid_argument(request.givenPath +
                                  ": a calibration maps camera counts, but the stack holds "
                                  "volume fractions (float data)");
  }

  // The rates: given, from the calibration (its group, or any for a snapshot), or identified.
  const prep::GroupRates* fileRates = nullptr;
  if (given && (request.useGroupRates || !timeLapse)) fileRates = given->ratesFor(request.group);
  auto rateFor = [&](bool fixedByUser, double value, const EstimatedValue* fromFile,
                     bool& identify) {
    identify = false;
    if (fixedByUser) return fixedValue(value, ValueSource::Given);
    if (fromFile && fromFile->identifiable) {
      EstimatedValue e = *fromFile;
      e.source = ValueSource::Calibration;
      return e;
    }
    identify = timeLapse;
    return fixedValue(value, ValueSource::Assumed,
                      timeLapse ? "" : "one frame: only the ratio M/gamma_ac matters");
  };
  bool identifyM = false, identifyG = false;
  out.M = rateFor(params.fixM, params.values.M, fileRates ? &fileRates->M : nullptr, identifyM);
  out.gammaAc = rateFor(params.fixGamma, params.values.gammaAc,
                        fileRates ? &fileRates->gammaAc : nullptr, identifyG);

  // (A request without kernel widths skips the profile: a batch item whose acquisition's
  // calibration already holds what the pooled dynamics said.)
  if (timeLapse && !request.profile.widths.empty()) {
    auto profile = std::make_shared<StackProfile>(
        profileOfStack(data, params.values, request.profile, feedback));
    out.stackProfile = profile;
    out.profiled = true;
    const std::vector<const StackProfile*> stacks{profile.get()};
    // What the data say with nothing assumed (the share free on counts).
    ProfileChoice free;
    free.freeShare = out.counts;
    free.share = profile->shareRef;
    const ProfileFit dataFit = fitProfile(stacks, free);
    if (!dataFit.best()) {
      const std::string why = "the nuclei are too small for the profile's kernels (" +
                              std::to_string(request.profile.widths.front()) + "-" +
                              std::to_string(request.profile.widths.back()) +
                              " px, whose support must lie inside)";
      for (auto* e : {&out.share, &out.M, &out.gammaAc})
        if (e->source == ValueSource::Assumed && e->note.empty()) e->note = why;
    }
    if (const WidthFit* b = dataFit.best()) {
      out.shareData = b->share;
      out.MData = b->M[0];
      out.gammaAcData = b->gammaAc[0];
      out.kernelHalfWidth = b->halfWidthXY;
      out.unexplained = b->unexplained;
      out.profileShares = dataFit.shares;
      out.profile = b->profile;
    }
    if (identifyShare) {
      if (out.shareData.identifiable) {
        rescale(data.hetero, out.shareData.value / data.counts.heteroShare);
        data.counts.scale[1] *= out.shareData.value / data.counts.heteroShare;
        data.counts.heteroShare = out.shareData.value;
        out.share = out.shareData;
      } else {
        out.share.note = out.shareData.note.empty() ? "not identified" : out.shareData.note;
        out.share.low = out.shareData.low;
        out.share.high = out.shareData.high;
      }
    }
    // The rates at the share used: the free fit's when the share came from these dynamics (its
    // intervals include the share's uncertainty), else the fit at the share used (conditional
    // on it, and said so).
    ProfileChoice atShare;
    atShare.freeShare = false;
    atShare.share = out.share.value;
    const ProfileFit rateFit =
        out.share.source == ValueSource::Identified ? dataFit : fitProfile(stacks, atShare);
    if (const WidthFit* b = rateFit.best()) {
      auto adopt = [&](EstimatedValue& used, const EstimatedValue& fitted, bool identify) {
        if (!identify) return;
        if (fitted.identifiable) {
          used = fitted;
          used.source = ValueSource::Identified;
          if (out.share.source != ValueSource::Identified && out.counts)
            used.note = "at the share used (" + prep::valueSourceName(out.share.source) + ")";
        } else {
          used.note = fitted.note;
          used.low = fitted.low;
          used.high = fitted.high;
        }
      };
      adopt(out.M, b->M[0], identifyM);
      adopt(out.gammaAc, b->gammaAc[0], identifyG);
    }
    // Are the values used what the data allow? Asked of each value that did not come from these
    // dynamics: outside the data's 90 % interval, the data reject it. (A joint test of the
    // misfit, U at the values used against U at the best, rejected the true values at 1 %
    // noise: the chosen kernel's small bias moves the best, while the marginal intervals cover
    // the truth; the misfit at the values used is still reported.)
    if (dataFit.best()) {
      auto test = [&](const EstimatedValue& used, const EstimatedValue& data, const char* name,
                      bool applies) {
        if (!applies || used.source == ValueSource::Identified || !data.hasInterval()) return;
        out.checked = true;
        if (used.value < data.low || used.value > data.high) {
          out.rejected = true;
          out.rejectedNames.push_back(name);
        }
      };
      test(out.share, out.shareData, "share", out.counts);
      test(out.M, out.MData, "M", true);
      test(out.gammaAc, out.gammaAcData, "gamma_ac", true);
      if (out.checked) {
        const ScalarCheck check =
            checkScalars(stacks, dataFit, out.share.value, {out.M.value}, {out.gammaAc.value});
        out.unexplainedUsed = check.unexplainedUsed;
        out.unexplainedSe = check.se;
      }
    }
  }
  out.densityGain = out.counts ? data.counts.scale[0] : 0;
  out.heteroGain = out.counts ? data.counts.scale[1] : 0;
  params.values.M = out.M.value;
  params.values.gammaAc = out.gammaAc.value;
  params.fixM = params.fixGamma = true;
  return out;
}

prep::AcquisitionCalibration RunCalibration::asCalibration(const std::string& stackName) const {
  prep::AcquisitionCalibration c;
  c.densityGain =
      fixedValue(densityGain, share.source == ValueSource::Calibration ? ValueSource::Calibration
                                                                       : ValueSource::Assumed);
  c.heteroGain = share;
  c.heteroGain.value = heteroGain;
  c.heteroGain.low = share.hasInterval() ? heteroGain * share.low / share.value : heteroGain;
  c.heteroGain.high = share.hasInterval() ? heteroGain * share.high / share.value : heteroGain;
  c.share = share;
  c.rates.push_back({"", M, gammaAc, 1});
  c.halfWidthXY = kernelHalfWidth;
  c.unexplained = unexplained;
  c.profileShares = profileShares;
  c.profile = profile;
  c.stacks.push_back(stackName);
  return c;
}

prep::AcquisitionCalibration poolCalibration(const std::vector<StackProfile>& stacks,
                                             const std::vector<std::string>& groupNames,
                                             const models::ChromatinParameters& values,
                                             double chromatinFraction) {
  if (stacks.empty()) throw std::invalid_argument("no time-lapse to calibrate from");
  prep::AcquisitionCalibration c;
  c.chromatinFraction = chromatinFraction;
  c.ell = values.ell;
  c.phiMax = values.phiMax;
  // The density gain: the mean φ_c over all the acquisition's nuclei = the stated fraction.
  double counts = 0, pixels = 0, ratio = 0, ratioWeight = 0;
  for (const auto& p : stacks) {
    counts += p.meanCounts[0] * double(p.nucleusPixels);
    pixels += double(p.nucleusPixels);
    const double w = double(p.widths.front().pixels + 1);
    ratio += w * p.countsRatio;
    ratioWeight += w;
    c.stacks.push_back(p.name);
  }
  const double R = ratio / ratioWeight;  // ProfileFit's pooled counts ratio
  c.densityGain =
      fixedValue(chromatinFraction * pixels / counts, ValueSource::Assumed,
                 "mean phi_c over the acquisition's nuclei = " + fmt(chromatinFraction));
  // A stack whose dynamics the model does not explain (a drift the registration left, a wrong
  // mapping) calibrates nothing: its own best leaves most of them unexplained, and it would pull
  // the pool (a drifting simulated stack, 91 % unexplained, "identified" a share 6 % off).
  std::vector<const StackProfile*> ptrs;
  for (const auto& p : stacks) {
    const ProfileFit own = fitProfile({&p}, ProfileChoice{});
    const WidthFit* b = own.best();
    if (b && b->unexplained > kProfileUnexplainedBad) {
      c.excluded.push_back(p.name + " (the model leaves " +
                           std::to_string(int(std::lround(100 * b->unexplained))) +
                           " % of its dynamics unexplained)");
      continue;
    }
    ptrs.push_back(&p);
  }
  if (ptrs.empty()) {
    c.share =
        fixedValue(0.5, ValueSource::Assumed, "no time-lapse whose dynamics the model explains");
    c.heteroGain = c.share;
    c.heteroGain.value = 0.5 / R * c.densityGain.value;
    c.rates.push_back({"", fixedValue(values.M, ValueSource::Assumed, c.share.note),
                       fixedValue(values.gammaAc, ValueSource::Assumed, c.share.note),
                       int(stacks.size())});
    return c;
  }
  const ProfileFit fit = fitProfile(ptrs, ProfileChoice{});
  const WidthFit* b = fit.best();
  const bool several = stacks.size() > 1;
  const ValueSource found = several ? ValueSource::Pooled : ValueSource::Identified;
  // The share: identified, or the default assumption (0.5 pooled) with what the data said.
  if (b && b->share.identifiable) {
    c.share = b->share;
    c.share.source = found;
  } else {
    c.share = fixedValue(0.5, ValueSource::Assumed, b ? b->share.note : "no usable profile");
    if (b) {
      c.share.low = b->share.low;
      c.share.high = b->share.high;
    }
  }
  // φ_h per count = (share / R) · φ_c per count.
  auto gainOf = [&](double share) { return share / R * c.densityGain.value; };
  c.heteroGain = c.share;
  c.heteroGain.value = gainOf(c.share.value);
  c.heteroGain.low = gainOf(c.share.low);
  c.heteroGain.high = gainOf(c.share.high);
  if (b) {
    c.halfWidthXY = b->halfWidthXY;
    c.unexplained = b->unexplained;
    c.profileShares = fit.shares;
    c.profile = b->profile;
  }
  // The rates at the share used: pooled over all, and per group.
  // The rates: from the free fit when the share was identified (their intervals then include
  // the share's uncertainty), else at the assumed share.
  auto ratesAt = [&](const std::vector<const StackProfile*>& set) {
    if (c.share.identifiable) return fitProfile(set, ProfileChoice{});
    ProfileChoice atShare;
    atShare.freeShare = false;
    atShare.share = c.share.value;
    return fitProfile(set, atShare);
  };
  // A rate the pooled dynamics identify is used; otherwise the default, with what they said.
  auto settle = [&](const prep::EstimatedValue& fitted, double fallback) {
    prep::EstimatedValue e = fitted;
    if (e.identifiable) {
      e.source = found;
    } else {
      e = fixedValue(fallback, ValueSource::Assumed,
                     fitted.note.empty() ? "not identified" : fitted.note);
      e.low = fitted.low;
      e.high = fitted.high;
    }
    return e;
  };
  {
    std::vector<StackProfile> all;
    for (const auto* p : ptrs) all.push_back(*p);
    for (auto& p : all) p.group = 0;
    std::vector<const StackProfile*> allPtrs;
    for (const auto& p : all) allPtrs.push_back(&p);
    const ProfileFit f = ratesAt(allPtrs);
    prep::GroupRates g;
    g.group = "";
    g.stacks = int(ptrs.size());
    const WidthFit* w = f.best();
    g.M = settle(w ? w->M[0] : prep::EstimatedValue{}, values.M);
    g.gammaAc = settle(w ? w->gammaAc[0] : prep::EstimatedValue{}, values.gammaAc);
    c.rates.push_back(g);
  }
  int groups = 0;
  for (const auto& p : stacks) groups = std::max(groups, p.group + 1);
  if (groups > 1) {
    const ProfileFit f = ratesAt(ptrs);
    const WidthFit* w = f.best();
    for (int k = 0; k < groups; ++k) {
      prep::GroupRates g;
      g.group = k < int(groupNames.size()) ? groupNames[size_t(k)] : std::to_string(k);
      for (const auto* p : ptrs) g.stacks += p->group == k;
      g.M = settle(w ? w->M[size_t(k)] : prep::EstimatedValue{}, values.M);
      g.gammaAc = settle(w ? w->gammaAc[size_t(k)] : prep::EstimatedValue{}, values.gammaAc);
      c.rates.push_back(g);
    }
  }
  return c;
}

}  // namespace mollichrom::train
